package dev.habitat.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.habitat.core.engine.ImageTransfer.TransferResult;
import dev.habitat.core.engine.ImageTransfer.TransferResult.Kind;
import org.junit.jupiter.api.Test;

/** Engine answers to pulls and pushes, as Docker 20.10 gave them against distribution 2.8 (captured on this machine). */
class TransferResultTest {
    @Test
    void engineAnswersAreSortedByWhatTheUserMustDo() {
        assertEquals(Kind.NOT_FOUND, TransferResult.failed(404,
                "manifest for 127.0.0.1:5055/habitat-x:1-base-abc not found: manifest unknown: manifest unknown").kind());
        assertEquals(Kind.UNAUTHORIZED, TransferResult.failed(500, "unauthorized: authentication required").kind());
        assertEquals(Kind.UNAUTHORIZED, TransferResult.failed(500,
                "Head \"http://127.0.0.1:5055/v2/habitat-x/manifests/1-base-abc\": no basic auth credentials").kind());
        assertEquals(Kind.UNREACHABLE, TransferResult.failed(500,
                "Get \"http://127.0.0.1:5056/v2/\": dial tcp 127.0.0.1:5056: connect: connection refused").kind());
        assertEquals(Kind.UNREACHABLE, TransferResult.failed(200, "Patch \"http://127.0.0.1:5055/v2/x/blobs/uploads/1\": EOF").kind());
        assertEquals(Kind.UNREACHABLE, TransferResult.failed(500,
                "Get \"http://127.0.0.1:35473/v2/\": http: server closed idle connection").kind(), "seen on Docker 26 when the registry stopped");
        assertEquals(Kind.FAILED, TransferResult.failed(500, "failed to register layer: no space left on device").kind());
        assertEquals(Kind.DONE, TransferResult.done(12).kind());
    }
}
