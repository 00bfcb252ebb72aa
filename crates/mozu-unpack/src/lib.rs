//! Archive and disk-image unpacking for mozu under one budget: zip, 7z, rar (listing), gzip, bzip2, xz, tar, cab, ISO 9660/UDF; every decompression goes through one capped wrapper.
#![warn(missing_docs)]
