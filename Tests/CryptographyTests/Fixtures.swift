// Fixed key material, generated once with the OpenSSL 3.0 CLI and committed (tests never run `openssl`):
//
//   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key
//   openssl pkey -in rsa.key -pubout -out rsa.pub
//   openssl pkey -in rsa.key -traditional -out rsa-pkcs1.key
//   printf 'embedded-api known-answer message' > msg.txt
//   openssl dgst -sha256 -sign rsa.key -out sig.bin msg.txt && base64 -w0 sig.bin
//   openssl pkey -in rsa.key -outform DER | base64 -w0
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout cert.key -out cert.pem \
//       -days 36500 -subj "/CN=embedded-api test"          (and again for ca2.key / ca2.pem, "/CN=embedded-api second CA")
//   openssl pkey -in cert.key -aes256 -passout pass:secret -out cert-enc.key
//   openssl genpkey -algorithm ed25519 -out ed.key
//   openssl pkey -in cert.key -pubout -out cert.pub
//
// These keys protect nothing: they exist only for these tests.
enum Fixtures {
    static let rsaPrivateKeyPEM = """
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDiLBzjXOREZrNz
    lWJrcd+CkWb45sU0a1rrJQiazfjQV2tOVC8x1v2hejx3BRzu/ob5FUMZZkRVCXIh
    GK9GHKy0N4DfKEKOVsOyrCZTDkilnu7e6gAZVIXXQempsc92NNdJULehzeszKBuW
    BuGDeRyw3rX+/5Ax+l77C5QdN2Whyjbpttyk4ou/15c1inB2mHVzpLgooMITQ8zT
    5mGdR0RU8JNu4aW1POcKgTQ5MEWqLHS8HTx00dijt5iA7ilJF5crOPU2zaM2rAnZ
    9SY/jxhOAS8Z8ja3AHJtZ2EqU9OS7/5OWgThJRfYkM8iM+OvX7gsDhpDYJsyCkck
    zFJp9aaHAgMBAAECggEAIPkiawlHZCt+3Qp500VCOyRcmUv3kylVk3OOOhduP12H
    UN+YE9GOn4SVHRr7OWKVJeoyIplUu/sJDwcswnF6wjlXSfFyJpNCq6FKYxBxiefO
    VmRSCF9YteWvnaRFJSwV+OPSKb4+HHKr9ubg6Mx24NhPOzJiAM9KGpp5CPtjDz+I
    FeWxY5LSa5fkjgRCbKRUEN2RJ3N8JQYFlVpjZEvqsdjcbqeTVkRrSLAbMI+VeGB5
    v4pkjgcGaW2ZwsVUOzhZdiCur9a0gctsRZb6PlkZJS3oJWGSakVaglc0gI/6q9ff
    mICwK6XZQ45Wsn34HwaNmjiYMEGIv6pJNJ3QDaphfQKBgQD+YH/LXQvRWcMKMSBZ
    L6iGC1TpXmmdoFyhDmeSY0sbdr+RVNWagJQiiRq9rosVhS33G9CbLIWgu3fKhfee
    eM77nueo1Gv8BM8zyK22twR27twLySPlm2az10+C2DJY4bnnKNg8xdYFETjr+CV3
    BtiArXxVcXh+Kki7BzWHCc/cYwKBgQDjnYtFtWtQAN9LY3u5BQgOq6QBnfLUUnpt
    EiqJb/4kgcPlnqKf1ZanWeHudywevjp95Me3rx3CgxbmJtJlxSKi2ZmbJMkl0lTs
    cJqstTzSXqy+zg94l6y/QD2ZHnkddH7j8niIgL/Iglw8CxrvHeSkkGUzM08fGfmM
    rk0UndrsjQKBgAfuBC3XwbWOAcmAjIybMrqzAbugqNQ0Go8evtXOaJn7kq86IMqH
    NZb6BS5ikY1jMHKimFcuBSBkl7BlirmS9IjdhEU8Ef2yPK9Vkyy9+dKnUY7Af3D5
    7jKvBJiEmtUwfDYbjNogJLLVvZuFic1zFi60ucqEFgiA0vGZoO6LvMIXAoGAd7JB
    q0bcSBYtVtfaGFItCon4lWEacc1t1C3ZcK0UWN5kxjvGCYeo0hjSVzUUXpZq7AmD
    fXT5kXCeeimwOxSQQlNsE8okfV8+iZgtvuUQNxDShwSV3jTlAy4lNoBv8K1yjSzV
    dfM+55KmLm0onNZ7ho7oqSQyV4ixUunWXyEkH4ECgYEAkO06UQIkG1NvBgHXXmhC
    ZSwwY5bdOUWiNDGsF6bwUqgFrTkgLBj/HjUB3HlLJlcTPA/RtCj6q6LSVroHIl8l
    tC3rKsiEfWt3iB5jH6PgRJprADH0Gm1Cfp98LjvXZmnC3QLLiRBoRuOfkyqCBSjH
    687uP7hakEocsddbOGAFVgg=
    -----END PRIVATE KEY-----
    """

    static let rsaPublicKeyPEM = """
    -----BEGIN PUBLIC KEY-----
    MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4iwc41zkRGazc5Via3Hf
    gpFm+ObFNGta6yUIms340FdrTlQvMdb9oXo8dwUc7v6G+RVDGWZEVQlyIRivRhys
    tDeA3yhCjlbDsqwmUw5IpZ7u3uoAGVSF10HpqbHPdjTXSVC3oc3rMygblgbhg3kc
    sN61/v+QMfpe+wuUHTdloco26bbcpOKLv9eXNYpwdph1c6S4KKDCE0PM0+ZhnUdE
    VPCTbuGltTznCoE0OTBFqix0vB08dNHYo7eYgO4pSReXKzj1Ns2jNqwJ2fUmP48Y
    TgEvGfI2twBybWdhKlPTku/+TloE4SUX2JDPIjPjr1+4LA4aQ2CbMgpHJMxSafWm
    hwIDAQAB
    -----END PUBLIC KEY-----
    """

    static let rsaPKCS1PrivateKeyPEM = """
    -----BEGIN RSA PRIVATE KEY-----
    MIIEowIBAAKCAQEA4iwc41zkRGazc5Via3HfgpFm+ObFNGta6yUIms340FdrTlQv
    Mdb9oXo8dwUc7v6G+RVDGWZEVQlyIRivRhystDeA3yhCjlbDsqwmUw5IpZ7u3uoA
    GVSF10HpqbHPdjTXSVC3oc3rMygblgbhg3kcsN61/v+QMfpe+wuUHTdloco26bbc
    pOKLv9eXNYpwdph1c6S4KKDCE0PM0+ZhnUdEVPCTbuGltTznCoE0OTBFqix0vB08
    dNHYo7eYgO4pSReXKzj1Ns2jNqwJ2fUmP48YTgEvGfI2twBybWdhKlPTku/+TloE
    4SUX2JDPIjPjr1+4LA4aQ2CbMgpHJMxSafWmhwIDAQABAoIBACD5ImsJR2Qrft0K
    edNFQjskXJlL95MpVZNzjjoXbj9dh1DfmBPRjp+ElR0a+zlilSXqMiKZVLv7CQ8H
    LMJxesI5V0nxciaTQquhSmMQcYnnzlZkUghfWLXlr52kRSUsFfjj0im+Phxyq/bm
    4OjMduDYTzsyYgDPShqaeQj7Yw8/iBXlsWOS0muX5I4EQmykVBDdkSdzfCUGBZVa
    Y2RL6rHY3G6nk1ZEa0iwGzCPlXhgeb+KZI4HBmltmcLFVDs4WXYgrq/WtIHLbEWW
    +j5ZGSUt6CVhkmpFWoJXNICP+qvX35iAsCul2UOOVrJ9+B8GjZo4mDBBiL+qSTSd
    0A2qYX0CgYEA/mB/y10L0VnDCjEgWS+ohgtU6V5pnaBcoQ5nkmNLG3a/kVTVmoCU
    Iokava6LFYUt9xvQmyyFoLt3yoX3nnjO+57nqNRr/ATPM8ittrcEdu7cC8kj5Ztm
    s9dPgtgyWOG55yjYPMXWBRE46/gldwbYgK18VXF4fipIuwc1hwnP3GMCgYEA452L
    RbVrUADfS2N7uQUIDqukAZ3y1FJ6bRIqiW/+JIHD5Z6in9WWp1nh7ncsHr46feTH
    t68dwoMW5ibSZcUiotmZmyTJJdJU7HCarLU80l6svs4PeJesv0A9mR55HXR+4/J4
    iIC/yIJcPAsa7x3kpJBlMzNPHxn5jK5NFJ3a7I0CgYAH7gQt18G1jgHJgIyMmzK6
    swG7oKjUNBqPHr7VzmiZ+5KvOiDKhzWW+gUuYpGNYzByophXLgUgZJewZYq5kvSI
    3YRFPBH9sjyvVZMsvfnSp1GOwH9w+e4yrwSYhJrVMHw2G4zaICSy1b2bhYnNcxYu
    tLnKhBYIgNLxmaDui7zCFwKBgHeyQatG3EgWLVbX2hhSLQqJ+JVhGnHNbdQt2XCt
    FFjeZMY7xgmHqNIY0lc1FF6WauwJg310+ZFwnnopsDsUkEJTbBPKJH1fPomYLb7l
    EDcQ0ocEld405QMuJTaAb/Ctco0s1XXzPueSpi5tKJzWe4aO6KkkMleIsVLp1l8h
    JB+BAoGBAJDtOlECJBtTbwYB115oQmUsMGOW3TlFojQxrBem8FKoBa05ICwY/x41
    Adx5SyZXEzwP0bQo+qui0la6ByJfJbQt6yrIhH1rd4geYx+j4ESaawAx9BptQn6f
    fC4712Zpwt0Cy4kQaEbjn5MqggUox+vO7j+4WpBKHLHXWzhgBVYI
    -----END RSA PRIVATE KEY-----
    """

    static let certificatePEM = """
    -----BEGIN CERTIFICATE-----
    MIIBkDCCATWgAwIBAgIUYnI1b1odhw5ONGbsL5LOl7VDh4swCgYIKoZIzj0EAwIw
    HDEaMBgGA1UEAwwRZW1iZWRkZWQtYXBpIHRlc3QwIBcNMjYxMTI5MDU0NDQxWhgP
    MjEyNjExMDUwNTQ0NDFaMBwxGjAYBgNVBAMMEWVtYmVkZGVkLWFwaSB0ZXN0MFkw
    EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9lxtzMg9iS4TOuTlYWqrnat1oJUx7JAX
    WKQagxw+Z08NDeVRurBLKyk/35n0NvtDAfiXq2tuNc/yoltL8ZXs26NTMFEwHQYD
    VR0OBBYEFHf7J/G6nmWmLGxb3AGVJZf7TbPHMB8GA1UdIwQYMBaAFHf7J/G6nmWm
    LGxb3AGVJZf7TbPHMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIh
    AIAmOMybBCxwUE34Rh9ULLDQHsHGrJpHzAouN538QY9LAiEAiRmJ7NdNNA+G4NCj
    jeekBhH414HYV3WvPVZi8pt2etc=
    -----END CERTIFICATE-----
    """

    static let certificateKeyPEM = """
    -----BEGIN PRIVATE KEY-----
    MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2xIBip4yKpeHUIwG
    soFFsE31VDQ3IsuVCIBYW6Z9yS2hRANCAAT2XG3MyD2JLhM65OVhaqudq3WglTHs
    kBdYpBqDHD5nTw0N5VG6sEsrKT/fmfQ2+0MB+Jera241z/KiW0vxlezb
    -----END PRIVATE KEY-----
    """

    static let certificatePublicKeyPEM = """
    -----BEGIN PUBLIC KEY-----
    MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9lxtzMg9iS4TOuTlYWqrnat1oJUx
    7JAXWKQagxw+Z08NDeVRurBLKyk/35n0NvtDAfiXq2tuNc/yoltL8ZXs2w==
    -----END PUBLIC KEY-----
    """

    static let secondCAPEM = """
    -----BEGIN CERTIFICATE-----
    MIIBmTCCAT+gAwIBAgIUfwyFRbY9fEVkZ/ROatYxBaTyWU0wCgYIKoZIzj0EAwIw
    ITEfMB0GA1UEAwwWZW1iZWRkZWQtYXBpIHNlY29uZCBDQTAgFw0yNjExMjkwNTQ0
    NDFaGA8yMTI2MTEwNTA1NDQ0MVowITEfMB0GA1UEAwwWZW1iZWRkZWQtYXBpIHNl
    Y29uZCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABL2CnHFBoB+AUFgOIvNh
    c8yikfO/6CvgG0wKn52yOlhrZ/jsjTjZkd1pQgRH8eCtUB+7WKP8k9ZwGB7qT3Jx
    EpujUzBRMB0GA1UdDgQWBBTWrSxsvnDSse59HdnQKly8td6QtDAfBgNVHSMEGDAW
    gBTWrSxsvnDSse59HdnQKly8td6QtDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
    BAMCA0gAMEUCIQCPCyhk+7KPDv7DMrgolsMULE0uCD1ESQV7n/WPW3+0lgIgJapL
    AdwkSzYLg5ajDPfrFsYGEpK1vqwBdhSZwm8xrDg=
    -----END CERTIFICATE-----
    """

    static let encryptedCertificateKeyPEM = """
    -----BEGIN ENCRYPTED PRIVATE KEY-----
    MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgZlashc2MQMwICCAAw
    DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEELypeTpBbcYa2EsSWFQ+u5IEgZAW
    LvS+kzOQxo84iwfDHR08b/Vt72QNjf5uR9DhwqXEW51Dqx9O4l5cVEfpdFW0bSAK
    IBdyVk1z1HuJxDCSYA+998XPBncFwZD/mz/rR0dzywtsF3AmCaO+3Bbk5J/INO+c
    +IqNrZPd3IFlg7Q0SitwFSE6COXp+fwazU93zaqBQT69CzTYxx5taIam8fVc3xY=
    -----END ENCRYPTED PRIVATE KEY-----
    """

    static let ed25519PrivateKeyPEM = """
    -----BEGIN PRIVATE KEY-----
    MC4CAQAwBQYDK2VwBCIEIHPakaH3CZ4qtIWQ8WqOq2k13fGeNPSktzLo756yqRnf
    -----END PRIVATE KEY-----
    """

    static let knownAnswerMessage = "embedded-api known-answer message"

    /// RS256 signature of `knownAnswerMessage` by `rsaPrivateKeyPEM` (PKCS#1 v1.5 is deterministic).
    static let knownAnswerSignatureBase64 =
        "tIzDJf8DZn7C2oqoYLR9CTREsaNX7W81v1g8kxa4+p+gWCSFiWx6DyGglti285BsB23pixANEMzLDfNaWAU28NcXgrPHakKIKIY/arD6sT64NxbUgEiJDDPzJqDxG4br+nN6MOXtdCbqhOGOJq5mdnTG+DzceQYSahXGgIfOgXoDyRV4wED6SFcUZ7tCRh8cPDbKG76VYYGFsTLVlAUGZyjTfocbv3/B9K2zNaBTmCUeeaJk1r2aGXH+z0DMxNHELQEdt2jHmvrz8JeoHuqOmStQ3hqs8WIpEoTp6koGwPt6il/kr4+vVLbIg7CnUDMmRCKwYpJB3gZrIjmmGjNbgQ=="

    /// `rsaPrivateKeyPEM` as PKCS#8 DER.
    static let rsaPrivateKeyDERBase64 =
        "MIIEowIBAAKCAQEA4iwc41zkRGazc5Via3HfgpFm+ObFNGta6yUIms340FdrTlQvMdb9oXo8dwUc7v6G+RVDGWZEVQlyIRivRhystDeA3yhCjlbDsqwmUw5IpZ7u3uoAGVSF10HpqbHPdjTXSVC3oc3rMygblgbhg3kcsN61/v+QMfpe+wuUHTdloco26bbcpOKLv9eXNYpwdph1c6S4KKDCE0PM0+ZhnUdEVPCTbuGltTznCoE0OTBFqix0vB08dNHYo7eYgO4pSReXKzj1Ns2jNqwJ2fUmP48YTgEvGfI2twBybWdhKlPTku/+TloE4SUX2JDPIjPjr1+4LA4aQ2CbMgpHJMxSafWmhwIDAQABAoIBACD5ImsJR2Qrft0KedNFQjskXJlL95MpVZNzjjoXbj9dh1DfmBPRjp+ElR0a+zlilSXqMiKZVLv7CQ8HLMJxesI5V0nxciaTQquhSmMQcYnnzlZkUghfWLXlr52kRSUsFfjj0im+Phxyq/bm4OjMduDYTzsyYgDPShqaeQj7Yw8/iBXlsWOS0muX5I4EQmykVBDdkSdzfCUGBZVaY2RL6rHY3G6nk1ZEa0iwGzCPlXhgeb+KZI4HBmltmcLFVDs4WXYgrq/WtIHLbEWW+j5ZGSUt6CVhkmpFWoJXNICP+qvX35iAsCul2UOOVrJ9+B8GjZo4mDBBiL+qSTSd0A2qYX0CgYEA/mB/y10L0VnDCjEgWS+ohgtU6V5pnaBcoQ5nkmNLG3a/kVTVmoCUIokava6LFYUt9xvQmyyFoLt3yoX3nnjO+57nqNRr/ATPM8ittrcEdu7cC8kj5Ztms9dPgtgyWOG55yjYPMXWBRE46/gldwbYgK18VXF4fipIuwc1hwnP3GMCgYEA452LRbVrUADfS2N7uQUIDqukAZ3y1FJ6bRIqiW/+JIHD5Z6in9WWp1nh7ncsHr46feTHt68dwoMW5ibSZcUiotmZmyTJJdJU7HCarLU80l6svs4PeJesv0A9mR55HXR+4/J4iIC/yIJcPAsa7x3kpJBlMzNPHxn5jK5NFJ3a7I0CgYAH7gQt18G1jgHJgIyMmzK6swG7oKjUNBqPHr7VzmiZ+5KvOiDKhzWW+gUuYpGNYzByophXLgUgZJewZYq5kvSI3YRFPBH9sjyvVZMsvfnSp1GOwH9w+e4yrwSYhJrVMHw2G4zaICSy1b2bhYnNcxYutLnKhBYIgNLxmaDui7zCFwKBgHeyQatG3EgWLVbX2hhSLQqJ+JVhGnHNbdQt2XCtFFjeZMY7xgmHqNIY0lc1FF6WauwJg310+ZFwnnopsDsUkEJTbBPKJH1fPomYLb7lEDcQ0ocEld405QMuJTaAb/Ctco0s1XXzPueSpi5tKJzWe4aO6KkkMleIsVLp1l8hJB+BAoGBAJDtOlECJBtTbwYB115oQmUsMGOW3TlFojQxrBem8FKoBa05ICwY/x41Adx5SyZXEzwP0bQo+qui0la6ByJfJbQt6yrIhH1rd4geYx+j4ESaawAx9BptQn6ffC4712Zpwt0Cy4kQaEbjn5MqggUox+vO7j+4WpBKHLHXWzhgBVYI"
}
