// What other features may use of albums: the "Add to album" button.
export { AddToAlbumButton } from "./AddToAlbum";
