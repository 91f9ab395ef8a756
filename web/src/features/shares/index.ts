// What other features may use of sharing: the Share button and its dialog.
export { ShareButton } from "./ShareButton";
