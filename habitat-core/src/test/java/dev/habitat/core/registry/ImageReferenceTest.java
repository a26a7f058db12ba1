package dev.habitat.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    @Test
    void theFirstComponentIsAHostWhenItLooksLikeOne() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/team/dev:1.0", true);
        assertEquals("127.0.0.1:5000", r.host());
        assertEquals("team/dev", r.repository());
        assertEquals("1.0", r.tag());
        assertEquals("registry.example.com", ImageReference.parse("registry.example.com/dev", true).host());
        assertEquals("localhost", ImageReference.parse("localhost/dev", true).host());
        ImageReference hub = ImageReference.parse("team/dev", true);
        assertEquals(ImageReference.DOCKER_HUB, hub.host());
        assertEquals("team/dev", hub.name(), "Docker Hub's host is left out of the name, as the engine writes it");
        assertNull(hub.tag());
    }

    @Test
    void aPrefixTakesChildRepositoriesAndTags() {
        ImageReference prefix = ImageReference.parse("127.0.0.1:5000/team", false);
        assertEquals("127.0.0.1:5000/team/habitat-x:6-files-abc", prefix.child("habitat-x").withTag("6-files-abc").name());
    }

    @Test
    void badReferencesSayWhatIsWrong() {
        var tag = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("127.0.0.1:5000/team:v1", false));
        assertTrue(tag.getMessage().contains("ends with a tag ':v1'"), tag.getMessage());
        var upper = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("127.0.0.1:5000/Team", false));
        assertTrue(upper.getMessage().contains("invalid path component 'Team'"), upper.getMessage());
        var digest = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("x/y@sha256:00", true));
        assertTrue(digest.getMessage().contains("digest"));
        var empty = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(" ", true));
        assertTrue(empty.getMessage().contains("empty"));
        var badTag = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("x/y:-bad", true));
        assertTrue(badTag.getMessage().contains("not a valid tag"), badTag.getMessage());
    }

    @Test
    void anonymousAuthSendsAnEmptyObjectAndCredentialsTheirHost() {
        String anon = new String(java.util.Base64.getUrlDecoder().decode(RegistryAuth.anonymous("h:1").header()));
        assertEquals("{}", anon);
        String alice = new String(java.util.Base64.getUrlDecoder().decode(new RegistryAuth("h:1", "alice", "pw", null, "test").header()));
        assertEquals("{\"username\":\"alice\",\"password\":\"pw\",\"serveraddress\":\"h:1\"}", alice);
        assertTrue(!new RegistryAuth("h:1", "alice", "pw", null, "test").toString().contains("pw"), "toString never shows the password");
    }
}
