package password

// DecoyHash lets the tests look at the decoy a check would run on.
var DecoyHash = decoyHash
