package io.layerswarm.seeder.harbor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link Job} in the shape of Dragonfly's {@code GET /oapi/v1/jobs/{id}} answer, which is also
 * what {@code POST /oapi/v1/jobs} returns: {@code {"id","created_at","updated_at","state",
 * "result":{"job_states":[{"error","results":[{"success_tasks":[{"url","hostname","ip"}],
 * "failure_tasks":[{"url","hostname","ip","description"}],"scheduler_cluster_id"}]}]}}}. Times are
 * RFC 3339 in UTC; a pending job has no job states yet. There is one "scheduler cluster": this
 * seeder, id 1.
 */
final class JobJson {
  static final int CLUSTER_ID = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobJson() {}

  static String of(Job job) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", job.id());
    root.put("created_at", job.createdAt().toString());
    root.put("updated_at", job.updatedAt().toString());
    root.put("state", job.state().name());
    ArrayNode states = root.putObject("result").putArray("job_states");
    if (job.finished()) {
      ObjectNode state = states.addObject();
      state.put("error", job.error());
      ObjectNode result = state.putArray("results").addObject();
      ArrayNode success = result.putArray("success_tasks");
      ArrayNode failure = result.putArray("failure_tasks");
      for (Job.Task task : job.tasks()) {
        ObjectNode node = (task.success() ? success : failure).addObject();
        node.put("url", task.url());
        node.put("hostname", task.hostname());
        node.put("ip", task.ip());
        if (!task.success()) {
          node.put("description", task.description());
        }
      }
      result.put("scheduler_cluster_id", CLUSTER_ID);
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }
}
