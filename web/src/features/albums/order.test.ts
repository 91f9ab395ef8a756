import { describe, expect, it } from "vitest";
import { moved } from "./order";

describe("moved", () => {
  it("moves an item up, down, to the ends", () => {
    expect(moved(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(moved(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], 1, 99)).toEqual(["a", "c", "b"]);
  });
  it("leaves the list alone for an index outside it", () => {
    expect(moved(["a", "b"], 5, 0)).toEqual(["a", "b"]);
    expect(moved(["a", "b"], 0, -3)).toEqual(["a", "b"]);
  });
});
