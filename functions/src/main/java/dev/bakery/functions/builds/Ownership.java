package dev.bakery.functions.builds;

import dev.bakery.core.Principals;
import dev.bakery.store.BuildRecord;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may read, follow and cancel a build: its owner (the principal that submitted it, under any
 * session of the same IAM role: {@link Principals#owner}) and the operators. Anyone else is told
 * the build does not exist, exactly as for an id nobody used, so ids cannot be probed.
 */
public final class Ownership {

    private final Set<String> operators;

    /** @param operators role or user ARNs (any session of an operator role is an operator) */
    public Ownership(Collection<String> operators) {
        this.operators = operators.stream().map(Principals::owner).collect(Collectors.toUnmodifiableSet());
    }

    public boolean isOperator(String principal) {
        return operators.contains(Principals.owner(principal));
    }

    public boolean mayAccess(String principal, BuildRecord build) {
        return isOperator(principal) || Principals.owner(principal).equals(Principals.owner(build.requester()));
    }

    /** Whose builds a listing shows the principal: null for an operator (everyone's), else its own. */
    public String listedOwner(String principal) {
        return isOperator(principal) ? null : Principals.owner(principal);
    }
}
