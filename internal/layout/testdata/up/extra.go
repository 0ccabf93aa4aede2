package up

func extra() int { return base().twice() } // a method of another file
