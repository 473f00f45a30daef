package org.itgc.systems;

import java.util.List;
import org.itgc.platform.web.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The inventory of financially significant systems. Readable by every logged-in user. */
@RestController
class SystemsController {

  private final SystemsInventory inventory;

  SystemsController(SystemsInventory inventory) {
    this.inventory = inventory;
  }

  @GetMapping("/api/systems")
  List<FinancialSystem> all() {
    return inventory.all();
  }

  @GetMapping("/api/systems/{id}")
  FinancialSystem one(@PathVariable String id) {
    return inventory.find(id).orElseThrow(() -> new NotFoundException("system", id));
  }
}
