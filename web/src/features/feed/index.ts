// What the app shell may use of the feed: its first page's query, asked for ahead.
export { feedQuery } from "./api";
