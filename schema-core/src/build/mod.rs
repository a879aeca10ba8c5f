//! The build-script API. (Being written.)
