//! Cross-cutting transforms. (Being written.)
