/// The capabilities an application key can hold, as B2 names them.
enum Capability {
    static let all: [String] = [
        "listKeys", "writeKeys", "deleteKeys", "listBuckets", "listAllBucketNames", "readBuckets", "writeBuckets",
        "deleteBuckets", "readBucketEncryption", "writeBucketEncryption", "readBucketRetentions",
        "writeBucketRetentions", "readFileRetentions", "writeFileRetentions", "readFileLegalHolds",
        "writeFileLegalHolds", "readBucketReplications", "writeBucketReplications", "bypassGovernance", "listFiles",
        "readFiles", "shareFiles", "writeFiles", "deleteFiles", "readBucketNotifications", "writeBucketNotifications",
    ]
    static let known = Set(all)
}
