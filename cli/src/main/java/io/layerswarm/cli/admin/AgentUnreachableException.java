package io.layerswarm.cli.admin;

import java.nio.file.Path;

/** The admin socket could not be used: no agent there, or not ours to talk to. Exit code 3. */
final class AgentUnreachableException extends AdminException {
  private AgentUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Nothing answered: the agent is not running, or serves another path. */
  static AgentUnreachableException notAnswering(Path socket, String why, Throwable cause) {
    return new AgentUnreachableException(
        "cannot reach the agent at "
            + socket
            + ": "
            + why
            + ". Is the agent running? It serves the socket named by agent.admin-socket; pass that"
            + " path with --socket PATH",
        cause);
  }

  /** The agent may be there, but file permissions keep this user out. */
  static AgentUnreachableException permissionDenied(Path socket, String detail, Throwable cause) {
    return new AgentUnreachableException(
        "cannot reach the agent at "
            + socket
            + ": permission denied ("
            + detail
            + "); run as root or as a member of the socket's"
            + " group",
        cause);
  }
}
