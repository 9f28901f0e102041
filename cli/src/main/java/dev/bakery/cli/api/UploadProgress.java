package dev.bakery.cli.api;

/** Told how the context upload advances (the CLI draws it on a TTY only). */
public interface UploadProgress {

    UploadProgress NONE = new UploadProgress() {
        @Override
        public void started(long total) {
        }

        @Override
        public void advanced(long bytes) {
        }

        @Override
        public void finished() {
        }
    };

    void started(long total);

    /** {@code bytes} more were sent; negative when a failed attempt's bytes must be sent again. */
    void advanced(long bytes);

    void finished();
}
