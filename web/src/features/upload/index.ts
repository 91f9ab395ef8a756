// What the app shell uses of uploads: the app-wide manager's provider and the top-bar indicator.
export { UploadProvider } from "./uploads";
export { UploadIndicator } from "./UploadIndicator";
