// What other features may use of videos: the like button and its mutation, the details
// form shared by upload and edit, and the processing status.
export { usePreviews } from "@/lib/queries";
export { LikeButton, useLike } from "./LikeButton";
export { ProcessingStatus } from "./ProcessingStatus";
export { VideoDetailsForm, type Details } from "./VideoDetailsForm";
