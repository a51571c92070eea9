package io.layerswarm.agent.admin;

import io.layerswarm.agent.pins.PinState;
import io.layerswarm.proto.admin.PinInfo;
import io.layerswarm.proto.admin.PinList;
import java.util.List;

/** The pins as admin messages: a pure mapping. */
final class PinMessages {
  private PinMessages() {}

  static PinList pinList(List<PinState> states) {
    PinList.Builder list = PinList.newBuilder().setComplete(true);
    for (PinState state : states) {
      list.addPins(pinInfo(state));
      list.setComplete(list.getComplete() && state.complete());
    }
    return list.build();
  }

  static PinInfo pinInfo(PinState state) {
    PinInfo.Builder info =
        PinInfo.newBuilder()
            .setReference(state.pin().image().toString())
            .setPlatform(state.pin().platform().toString())
            .setComplete(state.complete())
            .setBlobs((int) state.blobs().stream().map(b -> b.digest()).distinct().count())
            .setLocalBlobs(state.local().size())
            .setBytes(state.totalBytes())
            .setLocalBytes(state.localBytes())
            .setMissing(state.complete() ? "" : state.reason());
    state.digest().ifPresent(d -> info.setDigest(d.toString()));
    state.lastError().ifPresent(info::setLastError);
    state.checkedAt().ifPresent(t -> info.setCheckedAtMillis(t.toEpochMilli()));
    return info.build();
  }
}
