import { describe, expect, it } from "vitest";
import { humanize } from "./messages";
import { toApiError } from "./api";

describe("humanize", () => {
  it("explains a pattern rule instead of showing the pattern", () => {
    const words = humanize("username: String should match pattern '^[a-z0-9][a-z0-9_.-]{2,31}$'");
    expect(words).not.toMatch(/pattern|\^/);
    expect(words).toMatch(/^Usernames are 3 to 32 characters/);
  });
  it("names the field and the limit", () => {
    expect(humanize("password: String should have at least 10 characters")).toBe("Password must be at least 10 characters long.");
    expect(humanize("page_size: Input should be less than or equal to 100")).toBe("Page size can be at most 100.");
    expect(humanize("category_id: Input should be a valid integer, unable to parse string as an integer")).toBe("Category id must be a number.");
    expect(humanize("title: this field is required")).toBe("Title is required.");
    expect(humanize("title: Field required")).toBe("Title is required.");
    // A message already in words stays as it is, even when a path in it says "missing".
    expect(humanize("backup_dir: The folder /mnt/missing does not exist.")).toBe("The folder /mnt/missing does not exist.");
  });
  it("leaves words alone", () => {
    expect(humanize("That username is taken.")).toBe("That username is taken.");
    expect(humanize("Only 10 more bytes fit.")).toBe("Only 10 more bytes fit.");
  });
  it("is applied to every validation answer", () => {
    const err = toApiError(400, { detail: "email: value is not a valid email address: An email address must have an @-sign.", error_code: "validation_error", field: "email" });
    expect(err.message).toBe("That email address doesn't look right.");
    expect(err.field).toBe("email");
  });
});
