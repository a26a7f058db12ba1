package dev.habitat.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The base image's identity by content: one image, as an overlay2 engine and a containerd-store engine inspect it. */
class ImageContentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    // the shape of Docker 20.10 (overlay2): Id is the config's digest
    private static final String OVERLAY2 = """
            {"Id":"sha256:d4ffdf600bb54e3a86a847c34d1c1b6d43d9983ecf79addc0f62cd9ae7fcaf8d","RepoTags":["habitat-test-base:bookworm"],
             "RepoDigests":[],"Os":"linux","Architecture":"amd64","Size":116537600,
             "Config":{"Hostname":"","Domainname":"","User":"","Env":null,"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"",
                       "Entrypoint":null,"OnBuild":null,"Labels":null},
             "RootFS":{"Type":"layers","Layers":["sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"]}}
            """;
    // the shape of Docker 26 with the containerd image store: Id is the manifest's digest, other fields around
    private static final String CONTAINERD = """
            {"Id":"sha256:0b1e8c25df41cc6e3e0b9e5c1c8a1f4f1dd4b1d3e4f5a6b7c8d9e0f1a2b3c4d5","RepoTags":["habitat-test-base:bookworm"],
             "RepoDigests":["habitat-test-base@sha256:0b1e8c25df41cc6e3e0b9e5c1c8a1f4f1dd4b1d3e4f5a6b7c8d9e0f1a2b3c4d5"],
             "Os":"linux","Architecture":"amd64","Size":120000000,
             "Config":{"Env":[],"Cmd":[],"Labels":{},"WorkingDir":"","User":""},
             "RootFS":{"Type":"layers","Layers":["sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"]},
             "Descriptor":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:0b1e","size":856}}
            """;

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void theSameImageHasTheSameIdentityInBothStores() throws Exception {
        String a = ImageContent.identity(json(OVERLAY2));
        assertEquals(a, ImageContent.identity(json(CONTAINERD)), "ids differ between the stores; the content does not");
        assertTrue(a.matches("sha256:[0-9a-f]{64}"));
    }

    @Test
    void anotherLayerOrRuntimeConfigIsAnotherIdentity() throws Exception {
        String a = ImageContent.identity(json(OVERLAY2));
        assertNotEquals(a, ImageContent.identity(json(OVERLAY2.replace("5f70bf18", "6f70bf18"))));
        assertNotEquals(a, ImageContent.identity(json(OVERLAY2.replace("\"Env\":null", "\"Env\":[\"PATH=/bin\"]"))));
        assertNotEquals(a, ImageContent.identity(json(OVERLAY2.replace("\"User\":\"\"", "\"User\":\"dev\""))));
        assertNotEquals(a, ImageContent.identity(json(OVERLAY2.replace("amd64", "arm64"))));
        assertEquals(a, ImageContent.identity(json(OVERLAY2.replace("\"Hostname\":\"\"", "\"Hostname\":\"abc\""))),
                "build-time details are not the image's content");
    }
}
