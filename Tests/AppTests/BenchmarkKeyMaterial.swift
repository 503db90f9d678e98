// Key material for CredentialValidationBenchmark, generated once with the OpenSSL 3.0 CLI and committed
// (tests never run `openssl`): an RSA-2048 CA and an RSA-2048 client certificate it issued, as an mTLS
// `certificate` credential usually is.
//
//   openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 36500 \
//       -subj "/O=embedded-api bench/CN=embedded-api bench CA" \
//       -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
//   openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/O=embedded-api bench/CN=bench client"
//   openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 36500 \
//       -extfile ext.cnf    (basicConstraints=CA:FALSE, keyUsage digitalSignature+keyEncipherment,
//                            extendedKeyUsage=clientAuth, subjectAltName=DNS:client.bench.example)
//
// These keys protect nothing: they exist only for the benchmark.
enum BenchmarkKeyMaterial {
    static let caPEM = """
    -----BEGIN CERTIFICATE-----
    MIIDbTCCAlWgAwIBAgIUfVzSqbECFwiCWr3ZdgvTB3D+6dcwDQYJKoZIhvcNAQEL
    BQAwPTEbMBkGA1UECgwSZW1iZWRkZWQtYXBpIGJlbmNoMR4wHAYDVQQDDBVlbWJl
    ZGRlZC1hcGkgYmVuY2ggQ0EwIBcNMjYxMTI5MDkyMjE1WhgPMjEyNjExMDUwOTIy
    MTVaMD0xGzAZBgNVBAoMEmVtYmVkZGVkLWFwaSBiZW5jaDEeMBwGA1UEAwwVZW1i
    ZWRkZWQtYXBpIGJlbmNoIENBMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKC
    AQEAj9/sJa8lXW63LdbMNOIvzNEhQh+zTlG2EUffz7QtqGhW0SuhbbRqNE8+Dka4
    XtnD0mfYeBfKKeaNgIVZlbSDdxnotrrNqC9v+zeQQASG61bjCMMk0NgdRruJk9v3
    PrtyB8YHPSo+Ebbzh+oLNSxqxIuKfpl1lgRB1lROttMKFWl5uA3VLEinJTaHosrZ
    gttD5BsgriSaSuRCdzxt15387KbuYohzqIPe4BzlfrXZk3W/NLcanihWKzL2tZxw
    XUKaFwm6JQWpNvqHlwJggYOpIbJRAr13HPjMGCY4Ucs+lZyY1AcG6d6g5CDWOkl8
    AEnu74yVe0AbnIFM4t9Aqdt/4wIDAQABo2MwYTAdBgNVHQ4EFgQUA2Gt0pFkDXcy
    b8BBlH9lDbbwd+cwHwYDVR0jBBgwFoAUA2Gt0pFkDXcyb8BBlH9lDbbwd+cwDwYD
    VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwDQYJKoZIhvcNAQELBQADggEB
    ADs3r86m7HkKib1e3vV6mNn0/TyewPDp1b52Fd4qTum6+kfwDIKABwVuoKKFP3wl
    i83/LktdMPLt5TcGeph91GFfP1/xrZs228k2p7ZLWYXvQk1k2Q14iw7IMrxD1TYl
    CO9awXT+Wt3QR9+UHlMmQCxuaCRXhS8ZP8W3WpAD8Eb8btHNKNuMFw6VLPg0H+0z
    qoydsNBZBOIPb6RtKgbdb0v5h7e3xEa0xK6a31rHuDDqCMKB2yW10yMOlnWEDSJo
    4wlzXaS7r2168xfo+E8hXCCp6IKGAFvex/Buatio6avJabmMhmpVt98+epPNfhb0
    UFYzZu9q7IGU7kvDReICBVU=
    -----END CERTIFICATE-----
    """

    static let clientCertificatePEM = """
    -----BEGIN CERTIFICATE-----
    MIIDljCCAn6gAwIBAgIUer0RzRWTdvJdUE4ccd/xnA56iq4wDQYJKoZIhvcNAQEL
    BQAwPTEbMBkGA1UECgwSZW1iZWRkZWQtYXBpIGJlbmNoMR4wHAYDVQQDDBVlbWJl
    ZGRlZC1hcGkgYmVuY2ggQ0EwIBcNMjYxMTI5MDkyMjE2WhgPMjEyNjExMDUwOTIy
    MTZaMDQxGzAZBgNVBAoMEmVtYmVkZGVkLWFwaSBiZW5jaDEVMBMGA1UEAwwMYmVu
    Y2ggY2xpZW50MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA08xfRomn
    8Ok5a9ctPWmZjg4gumxmww5IjMM+eBesiU4ALUlOBW9tZTVIt47Kvl3rQzpHbJj0
    AGMBqNgryllLF8iG1mDFTL6wP1An7aY/ZDfEXOAKu0pL+m99yZeLUlml/jI4O953
    xbENCNLL30HAN0Jzh2hS71/VvGaRI/JZ56PBaNJudM/acCOcj3Yw2hyJ5E2nRSBO
    7ZQ61foyf5BdH9FdyxOL8ybon/xQyFwcywdtzaSFIqWtnxhcHP5yKFrxTcLU92BH
    EwOj3i/yKwQGs0gn6za0y4hXhN0D5DAb+l/Jwtaj5TCi5QKuHC+lMmk3FlQaeKzz
    8mdCsfqJkJrMmwIDAQABo4GUMIGRMAkGA1UdEwQCMAAwDgYDVR0PAQH/BAQDAgWg
    MBMGA1UdJQQMMAoGCCsGAQUFBwMCMB8GA1UdEQQYMBaCFGNsaWVudC5iZW5jaC5l
    eGFtcGxlMB0GA1UdDgQWBBTBepZJOT0k6tt4rR2Ju7/oQy+FIjAfBgNVHSMEGDAW
    gBQDYa3SkWQNdzJvwEGUf2UNtvB35zANBgkqhkiG9w0BAQsFAAOCAQEAGmfCs2ZT
    0Kwp6QHxPbtQeaazStxiOuzvmVuz5jWBJqlu8c9NZW3F7TB9QrPYH58EZxMiXvZh
    +4xJ+vPdI6mq0KQC7OsQHNdHb5hqGAr4JrPEw9aXPuJQncsBCW90eRGq4jeA2W4g
    Ormwcj1n02aRljNEtDi5fAluMrWGIADZFLFyGW5mELU6EYZLCZeobR1yx6Kh337t
    NpTbIUm2zgn9jqQRlyWdLaW/neSdSOaW6T58v1grtMIsNMszNSfLnvsPl0acKycL
    adpUHlWFDl3Jdx6CkOJWs322CJJfgUyBOp8VoFQGiHbQ7FMGIS7EQNfaCbvv4Yfq
    UgacYxLJw3lwEw==
    -----END CERTIFICATE-----
    """

    /// PKCS#8, unencrypted; also the RS256 key of the jwt-bearer example.
    static let clientKeyPEM = """
    -----BEGIN PRIVATE KEY-----
    MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDTzF9Giafw6Tlr
    1y09aZmODiC6bGbDDkiMwz54F6yJTgAtSU4Fb21lNUi3jsq+XetDOkdsmPQAYwGo
    2CvKWUsXyIbWYMVMvrA/UCftpj9kN8Rc4Aq7Skv6b33Jl4tSWaX+Mjg73nfFsQ0I
    0svfQcA3QnOHaFLvX9W8ZpEj8lnno8Fo0m50z9pwI5yPdjDaHInkTadFIE7tlDrV
    +jJ/kF0f0V3LE4vzJuif/FDIXBzLB23NpIUipa2fGFwc/nIoWvFNwtT3YEcTA6Pe
    L/IrBAazSCfrNrTLiFeE3QPkMBv6X8nC1qPlMKLlAq4cL6UyaTcWVBp4rPPyZ0Kx
    +omQmsybAgMBAAECggEAVSI2Pd1BQ0YMDbv9dE0JKx+kqiq+l7MbGHG2n4Esmjhf
    O9TWZrrmZyMm6pmcBy8rTOeVJCLLGYiydxMFbx27YID7KhrV08Zmg9yNYCpOGtOL
    u6VWyvfPWIgOMMUYfG6KmYXIMtB2pmFHkv9gcYo1YED2vTwC8jM8b7Fur9tPphrh
    tO0PFv6z41JyZZF4LOJ1EYjzvgGHeLX5hcCsPFkfihc3kLIjxwbrVU91WfW10has
    6pR2BY5THNqqEwbiRef+xuT03lY7LMTH3UN2ogcB4yflMORp1snbWpf+ET9cYaZx
    BY44dODsBza++LTWaTYNzK4sZLTFcyoPHcUvHQvQ0QKBgQD/qArlU0jBNWbOMMWm
    BtO3Iv/EuM6tS24yhW2xXoo1bfeEWDe9V8skp85RtQYlqBrj+JSEoPzq6K9QHEA2
    nofuNUl1PH2tCJHFBtTiBzDrJbUGWjFhIdoHTLpo3BgZsazqgX1jTWxeu278bblg
    hzpMUgIRvcIrPQ3pEQw3iTlWUwKBgQDUFT2M4a7MKnTqW4Dg02UaW2bPDee19gUW
    G2jAjtBgg3W4DwJw555Akh+vZNvt8fhHE8JSDzKkYY4rj2IzXhw9bH+Em1b4Hsts
    ynnrJg21LD3pOU93uWNZAngi9sgt91AGNu27l4yX0C8GJUGOkr9xPJwJHD2lwOiP
    kxvtiwBXmQKBgQDBqJ14UbpPARC7KB7QQWOm2pA8iHGmu/jhtEj/jsnK514Tlm/C
    sfpj7elP43ygkdKs1eRLA1gS6efDG2NY/IWjYCIg+I2KwW8KfL5N6XyY45tZEIFP
    PsFVvj2GqRJohDqj+SruSfvJVtofxU4jXMxAe+6tWbz32+vpnMxQVVZlmQKBgGTZ
    ZNdlSfWUCtyWfoZqf5008YJsHk8MmgaVKg7G2pfKa2QG3yZJPZt+4MpKr7pKYcGK
    x9C1oWNBcJWOLSg4DD25JjoslAKQwjMNZURIaCRK0XXh5sQLyA4/ellF+JLDE66g
    2BNoUVavjGzjsnTVm2uBYsGCSF5ViUEctx8SBiuhAoGBAMm6LXkUFqjl9rW9j0A/
    jL9GvpC0hrOn3LTNhhAewWKmRB7bx5fMYVRMxBSecovU/Esrw0nltFVxkwHFPveo
    gWMT0T4wvpcncsY9zLCMoYyuIL0LSHghlCfMSf0kX6g3n8244HR9CVMfcrvZYnXD
    accYu+ZyCjJesbHKRqET7GtU
    -----END PRIVATE KEY-----
    """

    /// A jwt-bearer `secret`: the base64 of the key's DER, which is the PEM body without its armour.
    static var clientKeyDERBase64: String {
        clientKeyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }
}
