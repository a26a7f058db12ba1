package dev.habitat.core.engine;

/** No Docker engine answers where we looked; the message says how to start one or point to one. */
public final class EngineUnavailableException extends RuntimeException {
    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
