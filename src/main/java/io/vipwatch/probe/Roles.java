package io.vipwatch.probe;

import java.util.List;

/**
 * Which hosts of a cluster are masters (MySQL writable and not a replica), from each host's own answer.
 *
 * @param complete every host answered the question; otherwise {@code masters} may be missing one
 */
public record Roles(List<String> masters, boolean complete) {
    public Roles {
        masters = List.copyOf(masters);
    }
}
