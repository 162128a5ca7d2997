// \(m) module: being written.
