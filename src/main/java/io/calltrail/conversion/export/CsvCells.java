package io.calltrail.conversion.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes CSV that a spreadsheet cannot mistake for formulas: a cell starting with {@code = + - @}, a tab or a line
 * break gets a leading apostrophe (OWASP's advice), except a validated E.164 number in a phone column.
 */
public final class CsvCells {
    private static final CSVFormat FORMAT = CSVFormat.RFC4180;

    private CsvCells() {
    }

    public static String safe(String cell) {
        if (cell == null || cell.isEmpty()) {
            return cell == null ? "" : cell;
        }
        char first = cell.charAt(0);
        boolean formula = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                || first == '\n' || first == '\uFF1D' || first == '\uFF0B' || first == '\uFF0D' || first == '\uFF20';
        return formula ? "'" + cell : cell;
    }

    /** A phone column: an E.164 number stays as it is (Google wants the plus); anything else is made safe. */
    public static String phone(String cell) {
        return cell != null && cell.matches("\\+[1-9][0-9]{6,14}") ? cell : safe(cell);
    }

    /** Lines of cells, already made safe, as RFC 4180 CSV (CRLF line ends, quotes only where needed). */
    public static String write(List<List<String>> lines) {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
            for (List<String> line : lines) {
                printer.printRecord(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
