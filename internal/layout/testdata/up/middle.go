package up

func middle() int { return Top() } // a use of the file above
