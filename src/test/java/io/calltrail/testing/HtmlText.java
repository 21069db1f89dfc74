package io.calltrail.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads dashboard pages as a person would: an element by its id, its text, a table's rows, a link's address. */
public final class HtmlText {
    private static final Pattern ROW = Pattern.compile("<tr\\b[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<t([dh])\\b[^>]*>(.*?)</t\\1>", Pattern.DOTALL);
    private static final Pattern LINK = Pattern.compile("<a\\b[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", Pattern.DOTALL);

    private HtmlText() {
    }

    /** The element with this id, from its start tag to the end tag that closes it. */
    public static String element(String html, String id) {
        int at = html.indexOf("id=\"" + id + "\"");
        if (at < 0) {
            throw new AssertionError("no element with id " + id);
        }
        int start = html.lastIndexOf('<', at);
        Matcher name = Pattern.compile("<([a-zA-Z0-9]+)").matcher(html).region(start, html.length());
        if (!name.lookingAt()) {
            throw new AssertionError("no start tag before id " + id);
        }
        String tag = name.group(1);
        Matcher tags = Pattern.compile("<(/?)" + tag + "\\b[^>]*>").matcher(html);
        int depth = 0;
        tags.region(start, html.length());
        while (tags.find()) {
            depth += tags.group(1).isEmpty() ? 1 : -1;
            if (depth == 0) {
                return html.substring(start, tags.end());
            }
        }
        throw new AssertionError("element " + id + " is not closed");
    }

    /** The text of a piece of HTML: tags dropped, entities decoded, white space collapsed. */
    public static String text(String html) {
        return unescape(html.replaceAll("<[^>]+>", " ")).replaceAll("\\s+", " ").strip();
    }

    /** The text of the element with this id. */
    public static String text(String html, String id) {
        return text(element(html, id));
    }

    /** Each body row of the table with this id, as the texts of its cells. */
    public static List<List<String>> rows(String html, String tableId) {
        String table = element(html, tableId);
        int body = table.indexOf("<tbody");
        String rows = body < 0 ? table : table.substring(body, table.indexOf("</tbody>", body));
        List<List<String>> result = new ArrayList<>();
        Matcher row = ROW.matcher(rows);
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = CELL.matcher(row.group(1));
            while (cell.find()) {
                cells.add(text(cell.group(2)));
            }
            result.add(cells);
        }
        return result;
    }

    /** The first column of each body row. */
    public static List<String> firstColumn(String html, String tableId) {
        return rows(html, tableId).stream().map(cells -> cells.get(0)).toList();
    }

    /** The address of the first link whose text starts with {@code text}, decoded. */
    public static String href(String html, String text) {
        Matcher link = LINK.matcher(html);
        while (link.find()) {
            if (text(link.group(2)).startsWith(text)) {
                return unescape(link.group(1));
            }
        }
        throw new AssertionError("no link '" + text + "'");
    }

    public static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&#x27;", "'").replace("&nbsp;", " ").replace("&amp;", "&");
    }
}
