package dev.pier.pipeline;

import java.time.Instant;
import java.util.List;

/**
 * A run's approval request: how many people must approve, until when, and every decision so far.
 *
 * @param required   distinct approvers needed
 * @param expiresAt  when a pending request lapses; null before the run asked for approval
 * @param approvedAt when the rule was met; null until then
 * @param decisions  oldest first
 */
public record Approval(int required, Instant expiresAt, Instant approvedAt, List<Decision> decisions) {

    public Approval {
        decisions = List.copyOf(decisions);
    }

    /**
     * @param approver the person: a token's owner or an OIDC token's {@code actor}
     * @param via      how they authenticated, e.g. {@code token:tok_…} or {@code oidc}
     * @param decision {@code approve} or {@code reject}
     */
    public record Decision(String approver, String via, String decision, Instant at, String comment) {}

    public long approvals() {
        return decisions.stream().filter(d -> d.decision().equals("approve")).map(Decision::approver).distinct()
                .count();
    }
}
