//! The syn front end shared by the macros and build scripts. (Being written.)
