package dev.habitat.core.engine;

import dev.habitat.core.HabitatException;
/** No Docker engine answers where we looked; the message says how to start one or point to one. */
public final class EngineUnavailableException extends HabitatException {
    public EngineUnavailableException(String message, Throwable cause) {
        super(Kind.ENVIRONMENT, message, cause);
    }
}
