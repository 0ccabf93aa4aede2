package up

func testOnly() int { return extra() } // a test file uses nothing, as far as the check goes
