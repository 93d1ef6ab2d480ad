package dev.kernelgate.benchmarks.e2e;

import com.sun.tools.attach.VirtualMachine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The heap high-water mark of another JVM (the server under test), read through its local management agent:
 * reset the pools' peaks, run a workload, read the peaks back. Their sum bounds the heap's peak from above.
 */
final class HeapProbe implements AutoCloseable {
    private final JMXConnector connector;
    private final List<MemoryPoolMXBean> heapPools;

    private HeapProbe(JMXConnector connector, List<MemoryPoolMXBean> heapPools) {
        this.connector = connector;
        this.heapPools = heapPools;
    }

    static HeapProbe attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        List<MemoryPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(connector.getMBeanServerConnection(),
                MemoryPoolMXBean.class).stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        return new HeapProbe(connector, pools);
    }

    void resetPeak() {
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    long peakBytes() {
        return heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    long maxBytes() {
        return heapPools.stream().mapToLong(p -> Math.max(0, p.getUsage().getMax())).sum();
    }

    @Override
    public void close() throws Exception {
        connector.close();
    }
}
