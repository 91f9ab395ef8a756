// What other features may use of comments: the live comment list with its form.
export { Comments } from "./Comments";
