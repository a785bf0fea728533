package org.tesseras.api.health;

import java.util.List;
import java.util.Objects;

/**
 * One health check's result: its name, status, what it found and what to do about it (empty when nothing is to
 * be done), and its tags.
 */
public record CheckFinding(String check, CheckStatus status, String finding, String whatToDo, List<String> tags) {
    public CheckFinding {
        Objects.requireNonNull(check, "check name");
        Objects.requireNonNull(status, "status of " + check);
        finding = finding == null ? "" : finding;
        whatToDo = whatToDo == null ? "" : whatToDo;
        tags = List.copyOf(tags);
    }
}
