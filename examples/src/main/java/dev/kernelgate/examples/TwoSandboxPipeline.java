package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Two sandboxes in a pipeline: the first cleans raw data and writes a file; the host reads that file through the
 * first sandbox's file API and writes it into the second, which analyses it. Each stage sees only what it is
 * handed, and each sandbox is killed when its stage is done.
 */
public final class TwoSandboxPipeline {
    /**
     * @param cleaned  the cleaned CSV as the first sandbox wrote it
     * @param received the CSV as the second sandbox holds it
     * @param analysis the second sandbox's result: {@code rows}, {@code total_by_region}, {@code top_region}
     */
    public record Result(String cleaned, String received, JsonNode analysis) {
    }

    static final String RAW = String.join("\n",
            "region,amount",
            " north ,10",
            "south,5",
            "NORTH,7",
            ",3",
            "east,",
            "south,5",
            "east,4.5",
            "");

    /** Trims and lower-cases regions, drops rows with a missing field, drops duplicate rows. */
    static final String CLEAN_PY = String.join("\n",
            "import csv, sys",
            "seen, rows = set(), []",
            "with open(sys.argv[1], newline='') as f:",
            "    for r in csv.DictReader(f):",
            "        region, amount = r['region'].strip().lower(), r['amount'].strip()",
            "        if region and amount and (region, amount) not in seen:",
            "            seen.add((region, amount))",
            "            rows.append((region, amount))",
            "with open(sys.argv[2], 'w', newline='') as f:",
            "    w = csv.writer(f, lineterminator='\\n')",
            "    w.writerow(['region', 'amount'])",
            "    w.writerows(rows)",
            "print(len(rows), 'rows kept')",
            "");

    /** Totals per region and the region with the largest total, as JSON on stdout. */
    static final String ANALYSE_PY = String.join("\n",
            "import csv, json, sys",
            "totals = {}",
            "with open(sys.argv[1], newline='') as f:",
            "    rows = list(csv.DictReader(f))",
            "for r in rows:",
            "    totals[r['region']] = totals.get(r['region'], 0) + float(r['amount'])",
            "print(json.dumps({'rows': len(rows), 'total_by_region': totals,",
            "                  'top_region': max(totals, key=totals.get)}, sort_keys=True))",
            "");

    private static final ObjectMapper JSON = new ObjectMapper();

    private TwoSandboxPipeline() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(ServerAddress.fromArgs(args).connection().build(), System.out));
    }

    public static Result run(ConnectionConfig connection, PrintStream out) throws IOException {
        String cleaned;
        try (Sandbox cleaner = create(connection, "clean")) {
            try {
                String dir = SandboxShell.stdout(cleaner, "pwd");
                out.println("stage 1, sandbox " + cleaner.getId() + ": cleaning " + dir + "/raw.csv");
                cleaner.files().writeFile(dir + "/raw.csv", RAW);
                cleaner.files().writeFile(dir + "/clean.py", CLEAN_PY);
                out.println("  " + SandboxShell.stdout(cleaner, "python3 clean.py raw.csv clean.csv"));
                cleaned = cleaner.files().readFile(dir + "/clean.csv");
            } finally {
                cleaner.kill();
            }
        }
        try (Sandbox analyst = create(connection, "analyse")) {
            try {
                String dir = SandboxShell.stdout(analyst, "pwd");
                out.println("stage 2, sandbox " + analyst.getId() + ": analysing " + dir + "/clean.csv");
                analyst.files().writeFile(dir + "/clean.csv", cleaned);
                analyst.files().writeFile(dir + "/analyse.py", ANALYSE_PY);
                String received = analyst.files().readFile(dir + "/clean.csv");
                JsonNode analysis = JSON.readTree(SandboxShell.stdout(analyst, "python3 analyse.py clean.csv"));
                out.println("  " + analysis);
                return new Result(cleaned, received, analysis);
            } finally {
                analyst.kill();
            }
        }
    }

    private static Sandbox create(ConnectionConfig connection, String stage) {
        return Sandbox.builder().connectionConfig(connection).image(ServerAddress.IMAGE)
                .timeout(Duration.ofMinutes(10)).metadata("pipeline-stage", stage).build();
    }
}
