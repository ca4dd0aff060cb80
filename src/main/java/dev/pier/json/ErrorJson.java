package dev.pier.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.signal.InvalidSignalException;
import dev.pier.signal.Violation;
import java.util.List;

/** Error bodies: {@code {"error": code, "message": text, …}}, the same for the API and {@code -o json}. */
public final class ErrorJson {

    private ErrorJson() {}

    public static ObjectNode of(String code, String message) {
        return Json.mapper().createObjectNode().put("error", code).put("message", message);
    }

    public static ObjectNode invalidSignal(InvalidSignalException e) {
        ObjectNode root = of("invalid_signal", e.getMessage());
        var list = root.putArray("violations");
        for (Violation v : e.violations()) {
            list.addObject().put("argument", v.argument()).put("rule", v.rule()).put("message", v.message());
        }
        return root;
    }

    public static ObjectNode problems(String code, String message, List<String> problems) {
        ObjectNode root = of(code, message);
        problems.forEach(root.putArray("problems")::add);
        return root;
    }
}
