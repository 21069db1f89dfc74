package io.calltrail.conversion;

import io.calltrail.app.ApiError;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads outcomes from a CSV file with a header row naming the outcome fields (external_id, status, ...). */
public final class OutcomeCsv {
    private static final int MAX_ROWS = 100_000;

    private OutcomeCsv() {
    }

    public static List<Outcome> read(Reader reader, String country) {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                .setTrim(true).get();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            for (String name : parser.getHeaderNames()) {
                if (!OutcomeFields.NAMES.contains(name.toLowerCase(Locale.ROOT))) {
                    throw ApiError.invalid("header", "line 1: unknown column '" + name + "'; the columns are "
                            + String.join(", ", OutcomeFields.NAMES.stream().sorted().toList()));
                }
            }
            Map<String, Integer> columns = new java.util.HashMap<>();
            parser.getHeaderMap().forEach((name, index) -> columns.put(name.toLowerCase(Locale.ROOT), index));
            List<Outcome> outcomes = new ArrayList<>();
            for (CSVRecord record : parser) {
                if (outcomes.size() == MAX_ROWS) {
                    throw ApiError.invalid("file", "at most " + MAX_ROWS + " outcomes per file; split it");
                }
                String where = "line " + parser.getCurrentLineNumber() + ": ";
                if (record.size() != columns.size()) {
                    throw ApiError.invalid("line " + parser.getCurrentLineNumber(), where + "expected " + columns.size()
                            + " fields, found " + record.size());
                }
                outcomes.add(OutcomeFields.read(name -> {
                    Integer index = columns.get(name);
                    String value = index == null ? null : record.get(index);
                    return value == null || value.isEmpty() ? null : value;
                }, where, country));
            }
            if (outcomes.isEmpty()) {
                throw ApiError.invalid("file", "the file holds no outcomes (a header row, then one outcome per line)");
            }
            return outcomes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw ApiError.invalid("file", "not a readable CSV file: " + e.getMessage());
        }
    }
}
