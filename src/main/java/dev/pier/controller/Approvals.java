package dev.pier.controller;

import dev.pier.controller.ControllerException.Kind;
import dev.pier.pipeline.Approval;
import dev.pier.pipeline.ErrorReport;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import dev.pier.pipeline.RunStore.Transition;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Four-eyes approval decisions. The approver is a person (a token's owner, an OIDC token's actor), never the
 * signal's author, and counts once however many tokens they hold. Decisions are serialised so two approvers
 * at once cannot both be the "last" one.
 */
public final class Approvals {

    private final RunStore runs;
    private final RunEvents events;
    private final Clock clock;

    public Approvals(RunStore runs, RunEvents events, Clock clock) {
        this.runs = runs;
        this.events = events;
        this.clock = clock;
    }

    /** @param via how the approver authenticated, e.g. {@code token:tok_…}; recorded with the decision */
    public synchronized Run decide(String runId, String approver, String via, boolean approve, String comment) {
        Run run = runs.find(runId).orElseThrow(() -> new ControllerException(Kind.NOT_FOUND, "no run " + runId));
        if (run.status() != RunStatus.AWAITING_APPROVAL || run.approval() == null) {
            throw new ControllerException(Kind.CONFLICT, "run " + runId + " is " + run.statusLabel()
                    + ": only a run awaiting approval can be approved or rejected");
        }
        if (samePerson(approver, run.signal().actor())) {
            throw new ControllerException(Kind.POLICY, approver + " sent the signal for run " + runId
                    + " and cannot " + (approve ? "approve" : "reject") + " it: another person must decide"
                    + " (four eyes)");
        }
        Approval a = run.approval();
        boolean already = a.decisions().stream().anyMatch(d -> samePerson(d.approver(), approver));
        if (already) {
            throw new ControllerException(Kind.CONFLICT, approver + " already decided on run " + runId
                    + "; each person counts once");
        }
        Approval.Decision decision = new Approval.Decision(approver, via, approve ? "approve" : "reject",
                clock.instant(), comment);
        Run after;
        try {
            if (!approve) {
                String summary = "rejected by " + approver + (comment == null || comment.isBlank() ? "" : ": "
                        + comment);
                after = runs.decide(runId, decision, RunStatus.REJECTED, Transition.at(decision.at(), summary)
                        .withError(new ErrorReport("rejected", "approval", null, summary, List.of())));
            } else if (a.approvals() + 1 >= a.required()) {
                after = runs.decide(runId, decision, RunStatus.QUEUED, Transition.at(decision.at(),
                        "approved by " + approver + " (" + (a.approvals() + 1) + " of " + a.required() + ")"));
            } else {
                after = runs.decide(runId, decision, null, null);
            }
        } catch (RunStore.StaleTransitionException e) {
            throw new ControllerException(Kind.CONFLICT, "run " + runId + " was decided meanwhile: "
                    + e.getMessage());
        }
        events.changed(after);
        return after;
    }

    /** GitHub logins are case-insensitive; so is the rule that nobody approves their own signal. */
    static boolean samePerson(String a, String b) {
        return a != null && b != null && a.trim().toLowerCase(Locale.ROOT).equals(b.trim().toLowerCase(Locale.ROOT));
    }
}
