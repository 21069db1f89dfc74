package io.calltrail.poollab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.Calltrail;
import io.calltrail.app.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code calltrail pool-lab} and {@code calltrail pool-size} on the command line: output shapes and argument errors. */
class PoolLabCommandTest {

    /** What a command printed, and its exit code. */
    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Calltrail()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(arguments);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheLabCommands() {
        Run help = run("--help");
        assertThat(help.out()).contains("pool-lab").contains("pool-size");
        assertThat(run("pool-lab", "--help").out()).contains("--sweep").contains("--json").contains("--seed");
    }

    @Test
    void aRunPrintsUseCallsAndTheCalibrationTable() {
        Run lab = run("pool-lab", "--days", "2", "--size", "150");
        assertThat(lab.exitCode()).isZero();
        assertThat(lab.out()).contains("Numbers in use").contains("Poisson expectation").contains("shown the fallback number")
                .contains("correctly attributed").contains("wrongly attributed").contains("not attributed")
                .contains("fallback number only").contains("Calibration").contains("0.90–0.95")
                .contains("High confidence (≥ 0.9)").contains("150 numbers, idle timeout 30 min, linger 30 min");
    }

    @Test
    void jsonHasTheScenarioTheUseTheCallsAndEveryBand() throws Exception {
        Run lab = run("pool-lab", "--days", "2", "--json");
        assertThat(lab.exitCode()).isZero();
        JsonNode result = Json.MAPPER.readTree(lab.out());
        assertThat(result.get("scenario").get("pool").get("size").asInt()).isEqualTo(200);
        assertThat(result.get("scenario").get("traffic").get("sessions_per_day").asDouble()).isEqualTo(2000);
        assertThat(result.get("numbers_in_use").fieldNames()).toIterable().containsExactly("mean", "p99", "peak", "poisson");
        assertThat(result.get("calls").fieldNames()).toIterable()
                .containsExactly("total", "correct", "wrong", "none", "fallback_only");
        assertThat(result.get("confidence_bands")).hasSize(6);
        assertThat(result.get("confidence_bands").get(0).get("label").asText()).isEqualTo("0.99–1.00");
        assertThat(result.get("high_confidence").get("precision").isNumber()).isTrue();
        assertThat(result.get("sessions").get("fallback_share").isNumber()).isTrue();
    }

    @Test
    void aSweepPrintsOneRowPerValueAndTheSameAsSeparateRuns() throws Exception {
        Run sweep = run("pool-lab", "--days", "2", "--sweep", "size=20..60:20", "--json");
        assertThat(sweep.exitCode()).isZero();
        JsonNode result = Json.MAPPER.readTree(sweep.out());
        assertThat(result.get("parameter").asText()).isEqualTo("size");
        assertThat(result.get("values")).extracting(JsonNode::asInt).containsExactly(20, 40, 60);
        assertThat(result.get("results")).hasSize(3);
        JsonNode single = Json.MAPPER.readTree(run("pool-lab", "--days", "2", "--size", "40", "--json").out());
        assertThat(result.get("results").get(1)).isEqualTo(single);

        Run table = run("pool-lab", "--days", "1", "--sweep", "size=10..200");
        List<String> rows = table.out().lines().filter(line -> line.matches("\\s+\\d+\\s+\\d.*")).toList();
        assertThat(rows).hasSize(20);
        assertThat(rows.get(0).trim()).startsWith("10 ");
        assertThat(rows.get(19).trim()).startsWith("200 ");
    }

    @Test
    void callsFileHasOneLinePerSimulatedCall(@TempDir Path folder) throws Exception {
        Path calls = folder.resolve("calls.csv");
        Run lab = run("pool-lab", "--days", "2", "--json", "--calls", calls.toString());
        assertThat(lab.exitCode()).isZero();
        List<String> lines = Files.readAllLines(calls);
        assertThat(lines.get(0)).startsWith("at,timing,caller,dialled,method,confidence");
        assertThat(lines).hasSize(1 + Json.MAPPER.readTree(lab.out()).get("calls").get("total").asInt());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--sweep size=abc                      | --sweep must be KEY=FROM..TO",
            "--sweep colour=1..3                   | --sweep cannot vary colour",
            "--sweep size=30..10                   | FROM at most TO",
            "--size 0                              | pool size must be between 1 and 100,000",
            "--call-timing 50/50                   | --call-timing must be three percentages",
            "--call-timing 50/30/30                | must add up to 100 %",
            "--overflow sometimes                  | --overflow must be fallback or reuse-oldest",
            "--reuse-order random                  | reuse order must be longest-free or quiet-first",
            "--profile 1,2,3                       | 24 weights",
            "--session-length uniform              | lognormal or exponential",
            "--sessions-per-day 0                  | sessions per day must be above 0",
            "--days 0                              | days must be between 1 and 366",
            "--idle-minutes 0.5                    | idle timeout must be between 1 minute and 24 hours",
            "--sweep size=1..2 --calls x.csv       | cannot be combined with --sweep"})
    void badArgumentsExitWithCodeTwoAndSayWhy(String arguments, String message) {
        String[] split = ("pool-lab " + arguments.trim()).split("\\s+");
        Run lab = run(split);
        assertThat(lab.exitCode()).isEqualTo(2);
        assertThat(lab.err()).contains(message);
        assertThat(lab.out()).isEmpty();
    }

    @Test
    void poolSizeRefusesBadArguments() {
        assertThat(run("pool-size").exitCode()).isEqualTo(2);
        Run recall = run("pool-size", "--sessions-per-day", "200", "--target-recall", "1.5");
        assertThat(recall.exitCode()).isEqualTo(2);
        assertThat(recall.err()).contains("--target-recall must be above 0 and at most 1");
        Run cost = run("pool-size", "--sessions-per-day", "200", "--number-cost", "-1");
        assertThat(cost.err()).contains("--number-cost must be 0 or more");
        assertThat(run("pool-size", "--sessions-per-day", "abc").exitCode()).isEqualTo(2);
    }
}
