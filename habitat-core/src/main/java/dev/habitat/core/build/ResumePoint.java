package dev.habitat.core.build;

import dev.habitat.core.Phase;
import java.util.Optional;
import java.util.Set;

/**
 * Where a build resumes: the newest valid snapshot to build on (empty: from nothing), the phases the registry gave
 * ({@code pulled}) and the newest phase a snapshot may be resumed from ({@code limit}; null: none may).
 */
record ResumePoint(Optional<Phase> resume, Set<Phase> pulled, Phase limit) {
    ResumePoint {
        pulled = Set.copyOf(pulled);
    }

    /** The first phase to build. */
    Phase start() {
        return resume.map(r -> Phase.values()[r.ordinal() + 1]).orElse(Phase.BASE);
    }

    /** Whether the resume point is the target itself: nothing to build (but perhaps the machine step). */
    boolean reached(Phase target) {
        return resume.isPresent() && resume.get() == target;
    }
}
