// Package odb is the room of repo that stores git's objects, written
// for diary where go-git was too slow or not safe enough: a reader of
// loose and packed objects (Store: a pack index read once, deltas
// resolved with a small cache of bases), loose objects written at git's
// own compression level and streamed for large files, raw trees read and
// spliced as bytes, packs written (WritePack: trees as deltas of each
// other) and received (NewPackWriter: pack and index flushed and placed
// as a pair), loose objects gathered into a pack (PackLoose), the walk
// of what one repository needs that another lacks (ObjectsToSend), and
// pack indexes checked and rebuilt. The formats are git's
// (Documentation/gitformat-pack.txt, gitformat-loose.txt).
//
// It speaks go-git's hash, object type and storer interface, so that
// repo plugs it under go-git; only repo imports it, and repo's callers
// see repo's own types.
package odb
