//! Editor features on byte offsets, with no LSP types. (Being written.)
