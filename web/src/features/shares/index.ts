// What other features may use of sharing: the Share button and the dialog (an album's page
// opens it for the album).
export { ShareButton } from "./ShareButton";
export { ShareDialog } from "./ShareDialog";
