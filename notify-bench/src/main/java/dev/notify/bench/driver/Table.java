package dev.notify.bench.driver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results: one row per scenario and figure, one column per server, and the ratio notify / socket.io. */
final class Table {

  static final String NOTIFY = "notify";
  static final String SOCKETIO = "socket.io";

  private record Key(String scenario, String figure) {
  }

  private final Map<Key, Map<String, String>> rows = new LinkedHashMap<>();
  private final Map<Key, Map<String, Double>> values = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> sections = new ArrayList<>();

  void put(String scenario, String figure, String target, double value, String format) {
    Key key = new Key(scenario, figure);
    rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(target,
        Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, format, value));
    values.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(target, value);
  }

  void text(String scenario, String figure, String target, String text) {
    rows.computeIfAbsent(new Key(scenario, figure), k -> new LinkedHashMap<>()).put(target, text);
  }

  void note(String note) {
    notes.add(note);
  }

  void section(String markdown) {
    sections.add(markdown);
  }

  String markdown(String header) {
    StringBuilder sb = new StringBuilder(header).append('\n');
    if (!rows.isEmpty()) {
      sb.append("| scenario | figure | notify | socket.io | notify / socket.io |\n");
      sb.append("|---|---|---:|---:|---:|\n");
    }
    for (Map.Entry<Key, Map<String, String>> row : rows.entrySet()) {
      Map<String, String> cells = row.getValue();
      Map<String, Double> v = values.getOrDefault(row.getKey(), Map.of());
      String ratio = "";
      Double a = v.get(NOTIFY);
      Double b = v.get(SOCKETIO);
      if (a != null && b != null && !a.isNaN() && !b.isNaN() && b != 0) {
        ratio = String.format(Locale.ROOT, "%.2f", a / b);
      }
      sb.append("| ").append(row.getKey().scenario()).append(" | ").append(row.getKey().figure()).append(" | ")
          .append(cells.getOrDefault(NOTIFY, "")).append(" | ").append(cells.getOrDefault(SOCKETIO, ""))
          .append(" | ").append(ratio).append(" |\n");
    }
    if (!notes.isEmpty()) {
      sb.append('\n');
      for (String note : notes) {
        sb.append("- ").append(note).append('\n');
      }
    }
    for (String section : sections) {
      sb.append('\n').append(section).append('\n');
    }
    return sb.toString();
  }
}
