package io.layerswarm.cli.admin;

/** The agent answered that it has nothing for the digest asked about. Exit code 4. */
final class AgentNotFoundException extends AdminException {
  AgentNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
