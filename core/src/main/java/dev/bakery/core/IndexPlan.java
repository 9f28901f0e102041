package dev.bakery.core;

import java.util.List;

/**
 * The multi-arch index (manifest list) published after every task has pushed.
 *
 * @param destinations where the index is pushed: the main reference first, then extra tags; all in
 *                     one repository, because an index can only reference images of its own repository
 * @param format       OCI image index or Docker manifest list
 * @param taskIds      the tasks whose images the index lists, in plan order
 */
public record IndexPlan(List<ImageReference> destinations, IndexFormat format, List<String> taskIds) {

    public IndexPlan {
        destinations = Copies.list(destinations);
        taskIds = Copies.list(taskIds);
        if (destinations.isEmpty()) {
            throw new IllegalArgumentException("an index needs a destination");
        }
        String repository = destinations.getFirst().repositoryName();
        for (ImageReference d : destinations) {
            if (d.hasDigest() || !d.repositoryName().equals(repository)) {
                throw new IllegalArgumentException("index destinations must be tags of " + repository + ": " + d);
            }
        }
        if (taskIds.size() < 2) {
            throw new IllegalArgumentException("an index lists at least two images");
        }
        if (format == null) {
            throw new IllegalArgumentException("an index needs a format");
        }
    }

    public ImageReference destination() {
        return destinations.getFirst();
    }
}
