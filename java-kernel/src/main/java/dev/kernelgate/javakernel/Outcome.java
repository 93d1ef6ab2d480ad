package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What executing one cell produced.
 *
 * @param result  the execute_result {@code data} of the cell's value, or null when it has none (declarations,
 *                statements, void calls, or after an error)
 * @param failure why the cell failed, or null
 */
record Outcome(ObjectNode result, Failure failure) {

    /**
     * An error as Jupyter reports it.
     *
     * @param ename     the fully qualified class of a thrown exception, {@code EvalException} for code that
     *                  does not compile or cannot run, {@code EvaluationInterruptedException} for an interrupt
     * @param evalue    the exception's message (or the compiler's)
     * @param traceback lines, first the {@code ename: evalue} line, then frames / source excerpts
     */
    record Failure(String ename, String evalue, List<String> traceback) {
    }

    static Outcome value(ObjectNode result) {
        return new Outcome(result, null);
    }

    static Outcome failed(Failure failure) {
        return new Outcome(null, failure);
    }
}
