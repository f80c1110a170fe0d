package dev.larch.server.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class OverlayStatusTest {
  @Test
  void oneLineNamesPeersRootRoutesAndTraffic() {
    JsonObject manhole = new JsonObject("""
        {"public_key":"aa","coords":"[1 2]","root":{"root_public_key":"ffeeddccbbaa","root_sequence":3},
         "peers":[{"public_key":"0123456789abcdef","zone":"static","rx_traffic_bytes":10,"tx_traffic_bytes":5},
                  {"public_key":"fedcba9876543210","rx_traffic_bytes":1,"tx_traffic_bytes":2}],
         "snek":{"descending":null,"paths":[{"public_key":"x"}]}}
        """);
    assertEquals("overlay status peers=2 [01234567@static,fedcba98] root=ffeeddcc coords=[1 2] snek_paths=1"
        + " traffic_rx=11 traffic_tx=7", OverlayStatus.line(manhole));
  }

  @Test
  void anAloneNodeSaysSo() {
    JsonObject manhole = new JsonObject("{\"coords\":\"[]\",\"root\":{\"root_public_key\":\"aa\"},\"peers\":[],"
        + "\"snek\":{\"paths\":null}}");
    assertEquals("overlay status peers=0 [] root=aa coords=[] snek_paths=0 traffic_rx=0 traffic_tx=0",
        OverlayStatus.line(manhole));
  }
}
