package io.layerswarm.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The heap against a sorted list, under random schedules, cancels and moves. */
class EventQueuePropertyTest {

  private record Entry(int id, long time, long seq) {}

  @Property(tries = 300)
  void timersRunInTimeThenSchedulingOrderWhateverIsCancelledOrMoved(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Simulation sim = new Simulation(seed);
    List<Integer> ran = new ArrayList<>();
    List<Timer> timers = new ArrayList<>();
    List<Entry> reference = new ArrayList<>();
    long seq = 0;
    int ops = 1 + random.nextInt(300);
    for (int i = 0; i < ops; i++) {
      int op = random.nextInt(4);
      if (op <= 1 || timers.isEmpty()) {
        int id = timers.size();
        long time = random.nextInt(40);
        timers.add(sim.at(time, () -> ran.add(id)));
        reference.add(new Entry(id, time, seq++));
      } else {
        int id = random.nextInt(timers.size());
        reference.removeIf(e -> e.id() == id);
        if (op == 2) {
          timers.get(id).cancel();
        } else {
          long time = random.nextInt(40);
          timers.get(id).rescheduleAt(time);
          reference.add(new Entry(id, time, seq++));
        }
      }
    }
    assertThat(sim.pendingEvents()).isEqualTo(reference.size());

    sim.run();

    reference.sort(Comparator.comparingLong(Entry::time).thenComparingLong(Entry::seq));
    assertThat(ran).containsExactlyElementsOf(reference.stream().map(Entry::id).toList());
  }
}
