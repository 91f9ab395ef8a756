import { describe, expect, it } from "vitest";
import { nextTask } from "./nextTask";

describe("nextTask", () => {
  it("resolves after the current task's microtasks, not within them", async () => {
    const order: string[] = [];
    const later = nextTask().then(() => order.push("next task"));
    void Promise.resolve().then(() => order.push("microtask"));
    order.push("now");
    await later;
    expect(order).toEqual(["now", "microtask", "next task"]);
  });

  it("lets a timer queued before it run first", async () => {
    const order: string[] = [];
    setTimeout(() => order.push("timer"), 0);
    await new Promise((r) => setTimeout(r, 5));
    await nextTask();
    order.push("after");
    expect(order).toEqual(["timer", "after"]);
  });
});
