import java.io.FileInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** Prints, one line per PEM file given, the subject of its first certificate as ZooKeeper's X509AuthenticationProvider
 *  names it: X500Principal.getName() (RFC 2253). The tests' oracle for the grid's x509 ids: `java PrintSubject.java FILE...`. */
public class PrintSubject {
    public static void main(String[] args) throws Exception {
        for (String file : args) {
            try (FileInputStream in = new FileInputStream(file)) {
                X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
                System.out.println(certificate.getSubjectX500Principal().getName());
            }
        }
    }
}
