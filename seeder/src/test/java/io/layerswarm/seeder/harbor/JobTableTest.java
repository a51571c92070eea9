package io.layerswarm.seeder.harbor;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobTableTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void jobsGetIncreasingIdsAndStartPending() {
    JobTable table = new JobTable(10, clock);

    Job first = table.create("a").orElseThrow();
    Job second = table.create("b").orElseThrow();

    assertThat(first.id()).isEqualTo(1);
    assertThat(second.id()).isEqualTo(2);
    assertThat(first.state()).isEqualTo(Job.State.PENDING);
    assertThat(first.createdAt()).isEqualTo(ManualClock.EPOCH);
  }

  @Test
  void finishingRecordsTheOutcomeAndItsTime() {
    JobTable table = new JobTable(10, clock);
    long id = table.create("a").orElseThrow().id();
    clock.advance(Duration.ofSeconds(5));
    Job.Task task = new Job.Task("http://r/v2/a/blobs/x", "host", "127.0.0.1", true, "");

    table.finish(id, Job.State.SUCCESS, List.of(task), "");

    Job job = table.get(id).orElseThrow();
    assertThat(job.state()).isEqualTo(Job.State.SUCCESS);
    assertThat(job.tasks()).containsExactly(task);
    assertThat(job.updatedAt()).isEqualTo(ManualClock.EPOCH.plusSeconds(5));
    assertThat(job.createdAt()).isEqualTo(ManualClock.EPOCH);
  }

  @Test
  void aFullTableDropsTheOldestFinishedJob() {
    JobTable table = new JobTable(3, clock);
    long first = table.create("a").orElseThrow().id();
    long second = table.create("b").orElseThrow().id();
    long third = table.create("c").orElseThrow().id();
    table.finish(third, Job.State.FAILURE, List.of(), "no");
    table.finish(second, Job.State.SUCCESS, List.of(), "");

    long fourth = table.create("d").orElseThrow().id();

    assertThat(table.size()).isEqualTo(3);
    assertThat(table.get(first)).isPresent();
    assertThat(table.get(second)).isEmpty();
    assertThat(table.get(third)).isPresent();
    assertThat(table.get(fourth)).isPresent();
  }

  @Test
  void aTableFullOfPendingJobsTakesNoMore() {
    JobTable table = new JobTable(2, clock);
    table.create("a");
    table.create("b");

    assertThat(table.create("c")).isEmpty();
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void aDroppedJobStaysDroppedWhenItFinishes() {
    JobTable table = new JobTable(2, clock);
    long id = table.create("a").orElseThrow().id();
    table.remove(id);

    table.finish(id, Job.State.SUCCESS, List.of(), "");

    assertThat(table.get(id)).isEmpty();
  }
}
