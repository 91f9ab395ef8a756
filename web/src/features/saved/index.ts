// What other features may use of your lists: the Watch later button.
export { WatchLaterButton } from "./WatchLaterButton";
